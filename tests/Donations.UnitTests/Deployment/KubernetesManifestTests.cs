using Donations.Testing;
using k8s;
using k8s.Models;

namespace Donations.UnitTests.Deployment;

/// <summary>
/// The offline schema check of infra/k8s: every document must deserialize strictly into the Kubernetes API's own
/// models (an unknown field, a misspelt one or a wrong type fails), and the objects must fit together — probes on the
/// health endpoints, Services and autoscalers pointing at Deployments that exist, settings the services need present.
/// </summary>
public class KubernetesManifestTests
{
    private static readonly string Directory = Path.Combine(ServiceProcess.RepoRoot(), "infra", "k8s");
    private static readonly string[] ServiceNames = ["ingestion", "attribution", "reporting"];
    private static readonly string[] RequiredSettings = ["ConnectionStrings__postgres", "ConnectionStrings__rabbitmq", "DONATIONS_ADMIN_KEY"];

    private static readonly Lazy<IReadOnlyList<object>> Objects = new(() => ManifestFiles()
        .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true)).ToList());

    private static IEnumerable<string> ManifestFiles() =>
        System.IO.Directory.GetFiles(Directory, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order();

    private static IEnumerable<T> All<T>() => Objects.Value.OfType<T>();

    [Fact]
    public void Every_document_is_a_known_Kubernetes_object_without_unknown_fields()
    {
        foreach (var file in ManifestFiles())
        {
            var documents = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
            Assert.NotEmpty(documents);
            foreach (var document in documents)
            {
                var metadata = Assert.IsAssignableFrom<IMetadata<V1ObjectMeta>>(document);
                Assert.False(string.IsNullOrEmpty(metadata.Metadata?.Name), $"{file}: an object without a name");
                if (document is not V1Namespace) Assert.Equal("donations", metadata.Metadata!.NamespaceProperty);
            }
        }
    }

    [Fact]
    public void A_misspelt_field_fails_the_check()
    {
        var yaml = File.ReadAllText(Path.Combine(Directory, "ingestion.yaml")).Replace("readinessProbe:", "readynessProbe:");
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, strict: true));
    }

    [Fact]
    public void Kustomization_applies_every_manifest()
    {
        var kustomization = File.ReadAllLines(Path.Combine(Directory, "kustomization.yaml"))
            .Where(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).Select(l => l.Trim()[2..].Trim()).Order();
        Assert.Equal(ManifestFiles().Select(Path.GetFileName), kustomization);
    }

    [Fact]
    public void Each_service_runs_at_least_twice_with_probes_on_its_health_endpoints_and_resource_bounds()
    {
        Assert.Equal(ServiceNames.Order(), All<V1Deployment>().Select(d => d.Metadata.Name).Order());
        foreach (var deployment in All<V1Deployment>())
        {
            Assert.True(deployment.Spec.Replicas >= 2, deployment.Metadata.Name);
            var labels = deployment.Spec.Template.Metadata.Labels;
            Assert.All(deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            var ports = container.Ports.Select(p => p.Name).ToHashSet();
            Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
            Assert.Contains(container.ReadinessProbe.HttpGet.Port.Value, ports);
            Assert.Contains(container.LivenessProbe.HttpGet.Port.Value, ports);
            Assert.NotNull(container.Resources.Requests["cpu"]);   // the autoscaler's utilisation is relative to it
            Assert.NotNull(container.Resources.Limits["memory"]);
            Assert.Equal(deployment.Metadata.Name, container.Env.Single(e => e.Name == "Marten__Schema").Value);
        }
    }

    [Fact]
    public void Services_autoscalers_and_the_ingress_point_at_what_exists()
    {
        var deployments = All<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        foreach (var service in All<V1Service>())
        {
            var deployment = deployments[service.Metadata.Name];
            var podLabels = deployment.Spec.Template.Metadata.Labels;
            Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, podLabels[l.Key]));
            var ports = deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Ports).Select(p => p.Name);
            Assert.All(service.Spec.Ports, p => Assert.Contains(p.TargetPort.Value, ports));
        }
        Assert.Equal(ServiceNames.Order(), All<V2HorizontalPodAutoscaler>().Select(h => h.Spec.ScaleTargetRef.Name).Order());
        Assert.All(All<V2HorizontalPodAutoscaler>(), hpa =>
        {
            Assert.Equal(("apps/v1", "Deployment"), (hpa.Spec.ScaleTargetRef.ApiVersion, hpa.Spec.ScaleTargetRef.Kind));
            Assert.True(hpa.Spec.MinReplicas >= 2 && hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);
        });
        var services = All<V1Service>().Select(s => s.Metadata.Name).ToHashSet();
        var backends = All<V1Ingress>().SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service.Name).ToList();
        Assert.Contains("/webhooks", All<V1Ingress>().SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths).Select(p => p.Path));
        Assert.All(backends, b => Assert.Contains(b, services));
    }

    [Fact]
    public void Every_setting_the_services_cannot_start_without_comes_from_the_ConfigMap_or_the_Secret()
    {
        var configMaps = All<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        var secrets = All<V1Secret>().ToDictionary(s => s.Metadata.Name);
        foreach (var deployment in All<V1Deployment>())
        {
            var container = deployment.Spec.Template.Spec.Containers.Single();
            var keys = new HashSet<string>(container.Env.Select(e => e.Name));
            foreach (var source in container.EnvFrom)
            {
                if (source.ConfigMapRef is { } map) keys.UnionWith(configMaps[map.Name].Data.Keys);
                if (source.SecretRef is { } secret) keys.UnionWith(secrets[secret.Name].StringData.Keys);
            }
            Assert.All(RequiredSettings, setting => Assert.Contains(setting, keys));
        }
    }
}
