using System.Text.Json;
using System.Text.Json.Serialization;
using Donations.Reporting.Catalog;
using Marten;

namespace Donations.Reporting.Facts;

/// <summary>
/// Keeps the click tables reports read (<see cref="FactTables"/>: <c>rpt_clicks</c>, <c>rpt_click_days</c>,
/// <c>rpt_click_people</c>, <c>rpt_click_people_counts</c>, <c>rpt_click_totals</c>, <c>rpt_click_firsts</c>,
/// <c>rpt_click_people_days</c>) in step with the clicks Reporting stores, in the same session
/// and so the same transaction. A click is counted once: only the first insert of its id adds to the rollups, so a
/// redelivered click (or one written by two instances at once) changes nothing.
/// </summary>
public static class ClickFacts
{
    /// <summary>Queues on <paramref name="session"/> the rows of <paramref name="clicks"/>; the caller saves the session.</summary>
    public static void Record(IDocumentSession session, IReadOnlyCollection<ClickFact> clicks)
    {
        if (clicks.Count == 0) return;
        NgoZones.HoldOff(session, clicks.Select(c => c.NgoId));
        session.QueueSqlCommand(UpsertSql(FactTables.Schema(session.DocumentStore)), JsonSerializer.Serialize(clicks.Select(Row)));
    }

    public static ClickFactRow Row(ClickFact c) => new(c.Id, c.NgoId, c.PostId, DonationFacts.Microseconds(c.ClickedAt), c.IsBot, !c.IsBot && c.VkAdsClickId is not null, c.VisitorId ?? c.Id.ToString());

    /// <summary>
    /// The one statement that writes clicks (a JSON array, the parameter <paramref name="parameter"/>) and their rollups
    /// into the tables named with <paramref name="suffix"/> (the live ones, or a rebuild's). A person's first click on
    /// a post only moves earlier: the row it updates keeps the day it moved from (<c>prev_day</c>), so that the people
    /// counted per first day move with it. A person's active days on a post change only by days added, and the spans
    /// between them (<see cref="FactTables.SpanCounts"/>) by the difference between the row's days after and before.
    /// </summary>
    public static string UpsertSql(string s, string suffix = "", string parameter = "?") => $"""
        with c as (
          insert into {s}.{FactTables.Clicks}{suffix} (id, ngo, post, clicked_at, day, bot, paid, visitor)
          select x.id, x.ngo, x.post, x.clicked_at, {NgoZones.DayOf("x.clicked_at")}, x.bot, x.paid, x.visitor
          from jsonb_to_recordset({parameter}::jsonb) as x(id uuid, ngo text, post text, clicked_at timestamptz, bot boolean, paid boolean, visitor text)
          {NgoZones.JoinZone(s)}
          on conflict (id) do nothing
          returning *),
        days as (
          insert into {s}.{FactTables.ClickDays}{suffix} as t (ngo, post, day, humans, bots, paid)
          select ngo, post, day, count(*) filter (where not bot), count(*) filter (where bot), count(*) filter (where paid) from c group by 1, 2, 3 order by 1, 2, 3
          on conflict (ngo, post, day) do update set humans = t.humans + excluded.humans, bots = t.bots + excluded.bots, paid = t.paid + excluded.paid),
        people as (
          insert into {s}.{FactTables.ClickPeople}{suffix} as t (ngo, post, visitor, days)
          select ngo, post, visitor, array_agg(distinct day order by day) from c where not bot group by 1, 2, 3 order by 1, 2, 3
          on conflict (ngo, post, visitor) do update set previous = coalesce(t.days, array[]::date[]), days = array(select distinct d from unnest(t.days || excluded.days) d order by d)
          where not coalesce(excluded.days <@ t.days, false)
          returning t.ngo, t.post, t.visitor, t.days, t.previous),
        counts as (
          insert into {s}.{FactTables.ClickPeopleCounts}{suffix} as t (ngo, post, people)
          select ngo, post, count(*) from people where previous is null group by 1, 2 order by 1, 2
          on conflict (ngo, post) do update set people = t.people + excluded.people),
        people_spans as (
          insert into {s}.{FactTables.ClickPeopleSpans}{suffix} as t (ngo, day, post, prev_day, people)
          {FactTables.SpanCounts("post", "visitor", PeopleDays("people", withPrevious: true))}
          on conflict (ngo, day, post, prev_day) do update set people = t.people + excluded.people),
        months as (
          insert into {s}.{FactTables.ClickMonths}{suffix} as t (ngo, post, month, humans, bots, paid)
          select ngo, post, date_trunc('month', day)::date, count(*) filter (where not bot), count(*) filter (where bot), count(*) filter (where paid) from c group by 1, 2, 3 order by 1, 2, 3
          on conflict (ngo, post, month) do update set humans = t.humans + excluded.humans, bots = t.bots + excluded.bots, paid = t.paid + excluded.paid),
        totals as (
          insert into {s}.{FactTables.ClickTotals}{suffix} as t (ngo, post, humans, bots, paid)
          select ngo, post, count(*) filter (where not bot), count(*) filter (where bot), count(*) filter (where paid) from c group by 1, 2 order by 1, 2
          on conflict (ngo, post) do update set humans = t.humans + excluded.humans, bots = t.bots + excluded.bots, paid = t.paid + excluded.paid),
        firsts as (
          insert into {s}.{FactTables.ClickFirsts}{suffix} as t (ngo, post, visitor, first_at, day, prev_day)
          select ngo, post, visitor, min(clicked_at), (array_agg(day order by clicked_at))[1], null::date from c where not bot group by 1, 2, 3 order by 1, 2, 3
          on conflict (ngo, post, visitor) do update set prev_day = t.day, first_at = excluded.first_at, day = excluded.day where excluded.first_at < t.first_at
          returning t.ngo, t.post, t.day, t.prev_day),
        moved as (
          select ngo, post, day, 1 as n from firsts union all select ngo, post, prev_day, -1 from firsts where prev_day is not null),
        people_days as (
          insert into {s}.{FactTables.ClickPeopleDays}{suffix} as t (ngo, post, day, people)
          select ngo, post, day, sum(n) from moved group by 1, 2, 3 having sum(n) <> 0 order by 1, 2, 3
          on conflict (ngo, post, day) do update set people = t.people + excluded.people)
        insert into {s}.{FactTables.ClickPeopleMonths}{suffix} as t (ngo, post, month, people)
        select ngo, post, date_trunc('month', day)::date, sum(n) from moved group by 1, 2, 3 having sum(n) <> 0 order by 1, 2, 3
        on conflict (ngo, post, month) do update set people = t.people + excluded.people
        """;

    /// <summary>The active days of <paramref name="people"/>' rows, +1 each, and (<paramref name="withPrevious"/>) −1 each of those before the write.</summary>
    public static string PeopleDays(string people, bool withPrevious = false, string where = "") =>
        $"select ngo, post, visitor, d as day, 1 as n from {people}, unnest(days) d{where}" + (withPrevious ? $" union all select ngo, post, visitor, d, -1 from {people}, unnest(previous) d{where}" : "");
}

/// <summary>One click as written (JSON names match the SQL record's columns).</summary>
public sealed record ClickFactRow(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("ngo")] string Ngo,
    [property: JsonPropertyName("post")] string Post,
    [property: JsonPropertyName("clicked_at")] DateTimeOffset ClickedAt,
    [property: JsonPropertyName("bot")] bool Bot,
    [property: JsonPropertyName("paid")] bool Paid,
    [property: JsonPropertyName("visitor")] string Visitor);
