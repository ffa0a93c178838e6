using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.FluxObjects;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.FluxObjects;

public sealed class FluxObjectReaderTests : IDisposable
{
    private const string Repository = """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata:
          name: app
          namespace: apps
        spec:
          image: ghcr.io/org/app
          interval: 1m
        """;

    private const string Policy = """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata:
          name: app
          namespace: apps
        spec:
          imageRepositoryRef:
            name: app
          policy:
            semver:
              range: '^1.0'
        """;

    private const string Automation = """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageUpdateAutomation
        metadata:
          name: app
          namespace: apps
        spec:
          interval: 1m
          sourceRef:
            kind: GitRepository
            name: flux-system
          git:
            commit:
              author:
                email: bot@example.com
          update:
            path: ./apps
        """;

    private readonly string root = Path.Combine(Path.GetTempPath(), $"flux-objects-{Guid.NewGuid():N}");

    public FluxObjectReaderTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void ReadsEverySpecFieldOfTheThreeKindsFromAMultiDocumentFileWithComments()
    {
        Write("infra/app.yaml", """
            # the app's automation
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: ignored }
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata:
              name: app
              namespace: apps
              labels: { team: web }
            spec:
              image: ghcr.io/org/app   # no tag
              interval: 5m
              timeout: 30s
              exclusionList: ['^.*\.sig$', '^dev-']
              insecure: true
              provider: aws
              secretRef: { name: pull }
              serviceAccountName: puller
              certSecretRef: { name: ca }
              proxySecretRef: { name: proxy }
              suspend: true
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImagePolicy
            metadata: { name: app, namespace: apps, labels: { auto: "yes" } }
            spec:
              imageRepositoryRef: { name: app }
              filterTags: { pattern: '^main-(?P<ts>[0-9]+)', extract: '$ts' }
              policy: { numerical: { order: desc } }
              digestReflectionPolicy: Always
              interval: 10m
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageUpdateAutomation
            metadata: { name: app, namespace: apps }
            spec:
              interval: 1h30m
              sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }
              git:
                checkout: { ref: { branch: main } }
                commit:
                  author: { email: bot@example.com, name: bot }
                  signingKey: { secretRef: { name: signing }, type: ssh }
                  messageTemplate: 'chore: {{ .AutomationObject }}'
                  messageTemplateValues: { cluster: prod }
                push:
                  branch: auto
                  refspec: refs/heads/auto:refs/heads/main
                  options: { "merge_request.create": "" }
              policySelector:
                matchLabels: { auto: "yes" }
                matchExpressions: [{ key: tier, operator: NotIn, values: [db] }]
              update: { path: ./apps, strategy: Setters }
            """);

        var set = FluxObjectReader.Read(root);

        Assert.Empty(set.Problems);
        var repository = Assert.Single(set.Repositories);
        Assert.Equal(("ghcr.io/org/app", "5m", "30s", true, "aws", "pull", "puller", "ca", "proxy", true),
            (repository.Image, repository.Interval, repository.Timeout, repository.Insecure, repository.Provider, repository.SecretRef,
             repository.ServiceAccountName, repository.CertSecretRef, repository.ProxySecretRef, repository.Suspend));
        Assert.Equal(["^.*\\.sig$", "^dev-"], repository.ExclusionList);
        Assert.Equal(("infra/app.yaml", 1, 6), (repository.RelativePath, repository.DocumentIndex, repository.Line));
        Assert.Equal("web", repository.Labels["team"]);

        var policy = Assert.Single(set.Policies);
        Assert.Equal((PolicyKind.Numerical, PolicyOrder.Desc, "^main-(?P<ts>[0-9]+)", "$ts", DigestReflectionPolicy.Always, "10m"),
            (policy.PolicyKind, policy.Order, policy.Pattern, policy.Extract, policy.DigestReflection, policy.Interval));
        Assert.Equal(("apps:app", "ghcr.io/org/app", true), (policy.Policy, policy.Image, policy.Insecure));

        var automation = Assert.Single(set.Automations);
        Assert.Equal(("1h30m", "flux-system/flux-system", "main", "bot@example.com", "bot", "signing", "ssh"),
            (automation.Interval, automation.SourceRef.ToString(), automation.Checkout!.Branch, automation.AuthorEmail, automation.AuthorName,
             automation.SigningKeySecretRef, automation.SigningKeyType));
        Assert.Equal(("chore: {{ .AutomationObject }}", "prod", "auto", "refs/heads/auto:refs/heads/main", "./apps", "Setters"),
            (automation.MessageTemplate, automation.MessageTemplateValues["cluster"], automation.PushBranch, automation.PushRefspec,
             automation.UpdatePath, automation.UpdateStrategy));
        Assert.Equal("", automation.PushOptions["merge_request.create"]);
        Assert.True(automation.PolicySelector!.Matches(policy.Labels));
        Assert.False(automation.PolicySelector.Matches(new Dictionary<string, string> { ["auto"] = "yes", ["tier"] = "db" }));
    }

    [Fact]
    public void ReadsV1beta2ObjectsAsV1()
    {
        Write("v1.yaml", string.Join("\n---\n", Repository, Policy, Automation) + "\n");
        var v1 = FluxObjectReader.Read(root);
        File.Delete(Path.Combine(root, "v1.yaml"));
        Write("v1beta2.yaml", (string.Join("\n---\n", Repository, Policy, Automation) + "\n").Replace("/v1\n", "/v1beta2\n"));
        var v1beta2 = FluxObjectReader.Read(root);

        Assert.Empty(v1beta2.Problems);
        Assert.All(v1beta2.All, o => Assert.Equal("image.toolkit.fluxcd.io/v1beta2", o.ApiVersion));
        Assert.Equal(v1.All.Select(Json), v1beta2.All.Select(Json));
    }

    [Theory]
    [InlineData("ImageRepository", "  image: ghcr.io/org/app\n", "", "spec.image", "is missing")]
    [InlineData("ImageRepository", "  interval: 1m\n", "  interval: 1 minute\n", "spec.interval", "Flux's pattern")]
    [InlineData("ImageRepository", "  interval: 1m\n", "  interval: 1m\n  timeout: 1h\n", "spec.timeout", "Flux's pattern")]
    [InlineData("ImageRepository", "  image: ghcr.io/org/app\n", "  image: ghcr.io/org/app:1.0\n", "spec.image", "tag")]
    [InlineData("ImageRepository", "  interval: 1m\n", "  interval: 1m\n  insecure: 'yes'\n", "spec.insecure", "not true or false")]
    [InlineData("ImageRepository", "  interval: 1m\n", "  interval: 1m\n  exclusionList: ['(?<=x)']\n", "spec.exclusionList[0]", "regex")]
    [InlineData("ImagePolicy", "    semver:\n      range: '^1.0'\n", "    calver:\n      format: YYYY\n", "spec.policy", "unknown policy kind (calver)")]
    [InlineData("ImagePolicy", "    semver:\n      range: '^1.0'\n", "    semver:\n      range: 'not a range'\n", "spec.policy.semver.range", "")]
    [InlineData("ImagePolicy", "    semver:\n      range: '^1.0'\n", "    numerical:\n      order: up\n", "spec.policy.numerical.order", "not asc or desc")]
    [InlineData("ImagePolicy", "    name: app\n", "    name: nothing\n", "spec.imageRepositoryRef.name", "not among the objects read")]
    [InlineData("ImagePolicy", "  imageRepositoryRef:\n", "  digestReflectionPolicy: Sometimes\n  imageRepositoryRef:\n", "spec.digestReflectionPolicy", "not Always")]
    [InlineData("ImageUpdateAutomation", "    path: ./apps\n", "    path: ./apps\n    strategy: Kustomize\n", "spec.update.strategy", "unsupported update strategy")]
    [InlineData("ImageUpdateAutomation", "  interval: 1m\n", "  interval: 5 m\n", "spec.interval", "Flux's pattern")]
    [InlineData("ImageUpdateAutomation", "        email: bot@example.com\n", "        name: bot\n", "spec.git.commit.author.email", "is missing")]
    [InlineData("ImageUpdateAutomation", "    kind: GitRepository\n", "    kind: Bucket\n", "spec.sourceRef.kind", "only GitRepository")]
    public void AMalformedObjectIsAnErrorNamingFileDocumentAndFieldAndTheRestStillLoad(string kind, string find, string replace, string field, string problem)
    {
        var originals = new[] { Repository, Policy, Automation }.Select(d => d + "\n").ToArray();
        var documents = originals.Select(d => d.Contains($"kind: {kind}\n") ? d.Replace(find, replace) : d).ToArray();
        Assert.NotEqual(string.Join("", documents), string.Join("", originals));
        Write("good.yaml", string.Join("---\n", originals.Select(d => d.Replace("name: app", "name: other"))));
        Write("bad.yaml", "# a comment before the first document\n" + string.Join("---\n", documents));

        var set = FluxObjectReader.Read(root);

        // (A policy whose repository was dropped is an error of its own: it names no ImageRepository read.)
        var error = Assert.Single(set.Problems, p => p.Target is FluxObjectLocation { RelativePath: "bad.yaml" } l && l.Kind == kind);
        var location = (FluxObjectLocation)error.Target!;
        Assert.Equal(field, location.Field);
        Assert.Equal(Array.FindIndex(documents, d => d.Contains($"kind: {kind}\n")), location.DocumentIndex);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains($"bad.yaml, document {location.DocumentIndex} ({kind} apps/app): {field}", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain(set.All, o => o.Kind == kind && o.RelativePath == "bad.yaml");
        Assert.Contains(set.All, o => o.Kind == kind && o.RelativePath == "good.yaml");
    }

    [Fact]
    public void ASecondObjectOfTheSameKindAndNameIsAnError()
    {
        Write("a.yaml", Repository + "\n---\n" + Policy + "\n");
        Write("b.yaml", Repository.Replace("ghcr.io/org/app", "ghcr.io/org/other") + "\n");

        var set = FluxObjectReader.Read(root);

        Assert.Equal("ghcr.io/org/app", Assert.Single(set.Repositories).Image);
        var error = Assert.Single(set.Problems);
        Assert.Contains("b.yaml, document 0 (ImageRepository apps/app): metadata.name (line 1) is already used by the ImageRepository at a.yaml:1", error.Message);
        Assert.Single(set.Policies);
    }

    [Fact]
    public void AFileNestedDeeperThanAnyManifestIsRefusedInsteadOfOverflowingTheStack()
    {
        Write("deep.yaml", "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        Write("app.yaml", Repository + "\n");

        var set = FluxObjectReader.Read(root);

        Assert.Equal("FluxObjectFileTooDeep", Assert.Single(set.Problems).ErrorId);
        Assert.Single(set.Repositories);
    }

    [Fact]
    public void AFileAboveTheManifestSizeLimitIsSkippedAndTheOthersAreRead()
    {
        Write("huge.yaml", Repository.Replace("name: app", "name: huge") + "\n#" + new string('x', (int)SetterEngine.DefaultMaxFileSize) + "\n");
        Write("app.yaml", Repository + "\n");

        var set = FluxObjectReader.Read(root);

        Assert.Equal("app", Assert.Single(set.Repositories).Name);
        Assert.Empty(set.Problems);
    }

    [Fact]
    public void AFileWithAByteOrderMarkIsRead()
    {
        File.WriteAllBytes(Path.Combine(root, "bom.yaml"), [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Repository + "\n")]);

        var set = FluxObjectReader.Read(root);

        Assert.Single(set.Repositories);
        Assert.Empty(set.Problems);
    }

    [Fact]
    public async Task AFifoNamedLikeAManifestIsSkippedWithoutBlocking()
    {
        Write("app.yaml", Repository + "\n");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(root, "pipe.yaml")))
        {
            mkfifo.WaitForExit();
        }

        // No writer ever opens the FIFO: a blocking open would never return.
        var set = await Task.Run(() => FluxObjectReader.Read(root)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(set.Repositories);
        Assert.Empty(set.Problems);
    }

    [Fact]
    public void InvalidYamlIsReportedWithItsLineAndTheDocumentsBeforeItStillCount()
    {
        Write("app.yaml", Repository + "\n---\nkey: [unclosed\n");

        var set = FluxObjectReader.Read(root);

        Assert.Single(set.Repositories);
        var error = Assert.Single(set.Problems);
        Assert.Equal("FluxObjectFileInvalidYaml", error.ErrorId);
        Assert.Contains("app.yaml' is not valid YAML at line", error.Message);
    }

    [Theory]
    [InlineData("1m", true)]
    [InlineData("1h30m", true)]
    [InlineData("1.5s", true)]
    [InlineData("500ms", true)]
    [InlineData("1d", false)]
    [InlineData("m", false)]
    [InlineData("1m ", false)]
    [InlineData("", false)]
    public void DurationsFollowFluxsPattern(string value, bool valid) => Assert.Equal(valid, FluxObjectReader.IsDuration(value));

    /// <summary>Every field but the version and the file, to compare objects read from two files.</summary>
    private static string Json(FluxObject o) =>
        System.Text.Json.JsonSerializer.Serialize<object>(o with { ApiVersion = "", File = "", RelativePath = "" });

    private void Write(string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
