using System.Net.Sockets;
using Npgsql;

namespace Donations.ServiceDefaults.Storage;

/// <summary>Failures that mean "PostgreSQL cannot be reached right now", after which trying again later can succeed.</summary>
public static class Transience
{
    public static bool IsTransient(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is NpgsqlException { IsTransient: true } or TimeoutException or SocketException or IOException)
                return true;
        return e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient);
    }
}
