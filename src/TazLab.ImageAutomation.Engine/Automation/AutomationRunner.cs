using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.FluxObjects;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Engine.Automation;

/// <summary>What to run: a working copy and which of its automations, and how to commit.</summary>
/// <param name="RepositoryPath">A folder inside the working copy.</param>
public sealed record AutomationRunRequest(string RepositoryPath)
{
    /// <summary>Where the Flux objects are, relative to the repository root (or absolute, inside it); empty reads the whole repository.</summary>
    public string AutomationPath { get; init; } = "";

    /// <summary>Only these automations (<c>name</c> or <c>namespace/name</c>); empty runs them all.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Write, commit and push nothing; the results still carry the changes, diffs and messages.</summary>
    public bool DryRun { get; init; }

    public bool Push { get; init; }

    /// <summary>Flux's behaviour: move markers even to a tag their policy orders lower than the current one.</summary>
    public bool AllowDowngrade { get; init; }

    public string Remote { get; init; } = "origin";
    public GitCredential? GitCredential { get; init; }
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The key for automations whose <c>signingKey</c> is set (its Secret cannot be read outside the cluster):
    /// a gpg key id or armored key file, or an SSH private key file, per the automation's <c>signingKey.type</c>.</summary>
    public string? SigningKey { get; init; }
}

/// <summary>
/// Runs a repository's own ImageUpdateAutomations as Flux's image-automation-controller does (reference 1.3.1): for each
/// automation, its policies (same namespace, policySelector), their latest tags, the setters under its update path, and
/// one commit with its author, signing and message template, pushed to its branch through <see cref="GitAutomation"/>.
/// Each ImageRepository is listed once per runner, however many automations and repositories use it. One automation's
/// failure does not stop the others.
/// </summary>
public sealed class AutomationRunner(TagSource tags)
{
    private readonly TagSource tags = tags;
    private readonly ConcurrentDictionary<(string Image, string Exclusions, bool Insecure), Lazy<Task<IReadOnlyList<ListedTag>>>> listings = new();

    /// <summary>How many distinct listings were made (each ImageRepository once).</summary>
    public int ListingCount => listings.Count;

    /// <summary>Where each automation reports its steps (with the setters' and the commit's progress under it); null reports nothing.</summary>
    public IProgress<ProgressReport>? Progress { get; init; }

    /// <summary>Runs several repositories, up to <paramref name="throttleLimit"/> at once, sharing the tag listings. Results in input order.</summary>
    public IReadOnlyList<AutomationRun> RunAll(IReadOnlyList<AutomationRunRequest> requests, int throttleLimit, CancellationToken cancellationToken)
    {
        var runs = new AutomationRun[requests.Count];
        Parallel.For(0, requests.Count, new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellationToken },
            i => runs[i] = RunOrFail(requests[i], cancellationToken));
        return runs;
    }

    /// <summary>A repository that cannot be run at all (not a working copy) fails alone.</summary>
    private AutomationRun RunOrFail(AutomationRunRequest request, CancellationToken ct)
    {
        try
        {
            return Run(request, ct);
        }
        catch (AutomationException e)
        {
            return new AutomationRun(request.RepositoryPath, [], [new AutomationFailure("", null, e)], [], []);
        }
    }

    /// <summary>Runs one repository's automations in file order.</summary>
    /// <exception cref="AutomationException">The repository or the automation path does not exist.</exception>
    public AutomationRun Run(AutomationRunRequest request, CancellationToken cancellationToken)
    {
        var log = new BufferedEngineLog();
        var root = GitAutomation.FindWorkingCopy(request.RepositoryPath);
        var automationPath = Path.IsPathRooted(request.AutomationPath) ? Path.GetRelativePath(root, request.AutomationPath) : request.AutomationPath;
        var objectsPath = ContainedPath(root, automationPath)
            ?? throw new AutomationException(ErrorKind.InvalidArgument, "AutomationPathOutsideRepository",
                $"The automation path '{request.AutomationPath}' is outside the repository at '{root}'.", request.AutomationPath,
                "Give a path inside the repository.");
        var objects = FluxObjectReader.Read(objectsPath, root, log);
        var automations = objects.Automations.Where(a => Selected(a, request.Names)).OrderBy(a => a.RelativePath, StringComparer.Ordinal)
            .ThenBy(a => a.DocumentIndex).ToList();
        foreach (var missing in request.Names.Where(n => !objects.Automations.Any(a => Selected(a, [n]))))
        {
            log.Warning($"No ImageUpdateAutomation named '{missing}' under '{objectsPath}'.");
        }

        var repositories = objects.Repositories.ToDictionary(r => (r.Namespace, r.Name));
        WarnAboutCredentials(objects, automations, log);
        foreach (var policy in automations.Where(a => !a.Suspend).SelectMany(a => PoliciesOf(a, objects)))
        {
            _ = Listing(repositories[(policy.ImageRepositoryRef.Namespace, policy.ImageRepositoryRef.Name)], log, cancellationToken);
        }

        var results = new List<AutomationResult>();
        var failures = new List<AutomationFailure>();
        foreach (var automation in automations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = new Reconciliation(this, request, root, automation, objects, repositories, log, failures, cancellationToken);
            results.Add(run.Execute());
        }

        return new AutomationRun(root, results, failures, objects.Problems, log.Entries);
    }

    private static bool Selected(ImageUpdateAutomation automation, IReadOnlyList<string> names) =>
        names.Count == 0 || names.Any(n => n == automation.Name || n == $"{automation.Namespace}/{automation.Name}");

    /// <summary>Flux 1.3.1 step 1: the policies in the automation's namespace that its policySelector matches (suspended ones left out).</summary>
    internal static IEnumerable<ImagePolicy> PoliciesOf(ImageUpdateAutomation automation, FluxObjectSet objects) =>
        objects.Policies.Where(p => p.Namespace == automation.Namespace && !p.Suspend
            && (automation.PolicySelector is null || automation.PolicySelector.Matches(p.Labels)));

    private Task<IReadOnlyList<ListedTag>> Listing(ImageRepository repository, IEngineLog log, CancellationToken ct)
    {
        var key = (repository.Image, string.Join("\n", repository.ExclusionList), repository.Insecure);
        var listing = new TagListing(repository.Image) { ExclusionList = repository.ExclusionList, Insecure = repository.Insecure };
        return listings.GetOrAdd(key, _ => new Lazy<Task<IReadOnlyList<ListedTag>>>(
            () => Task.Run(() => tags.ListTagsAsync(listing, log, ct), ct))).Value;
    }

    /// <summary>A secretRef or cloud provider cannot be honoured outside the cluster: say so once per ImageRepository.</summary>
    private static void WarnAboutCredentials(FluxObjectSet objects, List<ImageUpdateAutomation> automations, IEngineLog log)
    {
        var used = automations.SelectMany(a => PoliciesOf(a, objects)).Select(p => (p.ImageRepositoryRef.Namespace, p.ImageRepositoryRef.Name)).ToHashSet();
        foreach (var repository in objects.Repositories.Where(r => used.Contains((r.Namespace, r.Name))))
        {
            if (repository.SecretRef.Length > 0)
            {
                log.Warning($"ImageRepository {repository.Namespace}/{repository.Name} ({repository.RelativePath}) names spec.secretRef '{repository.SecretRef}', "
                    + "a cluster Secret that cannot be read here; pass -RegistryCredential or log in with 'docker login' instead.");
            }

            if (repository.Provider != "generic")
            {
                log.Warning($"ImageRepository {repository.Namespace}/{repository.Name} ({repository.RelativePath}) uses spec.provider '{repository.Provider}', "
                    + "whose cloud credentials are fetched only in the cluster; pass -RegistryCredential (e.g. a token from the cloud's CLI) or a docker config login instead.");
            }
        }
    }

    /// <summary>The absolute path of <paramref name="relative"/> under <paramref name="root"/>, or null when it escapes it (links included).</summary>
    internal static string? ContainedPath(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative.TrimStart('/', '\\')));
        if (!IsUnder(root, full))
        {
            return null;
        }

        // A link inside the tree may still lead out of it.
        var real = Directory.Exists(full) ? new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
        return IsUnder(root, real) ? full : null;
    }

    private static bool IsUnder(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }

    /// <summary>One automation's run: each step of Flux's reconcile, recording into its result.</summary>
    private sealed class Reconciliation(
        AutomationRunner runner, AutomationRunRequest request, string root, ImageUpdateAutomation automation, FluxObjectSet objects,
        Dictionary<(string, string), ImageRepository> repositories, BufferedEngineLog log, List<AutomationFailure> failures, CancellationToken ct)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly List<string> warnings = [];
        private readonly List<string> errors = [];
        private readonly List<PolicyResult> policyResults = [];

        private string Id => $"{automation.Namespace}/{automation.Name}";

        /// <summary>This automation's progress bar; its steps' bars show under it.</summary>
        private string Activity => $"Image automation {Id} in '{root}'";

        private void Step(int step, string status) =>
            runner.Progress?.Report(new ProgressReport(Activity, step - 1, 3, "steps") { Status = status });

        public AutomationResult Execute()
        {
            using var finished = runner.Progress.FinishedAtEnd(Activity);
            if (automation.Suspend)
            {
                log.Verbose($"{Id}: suspended (spec.suspend: true); skipped.");
                return Result(AutomationStatus.Skipped, "spec.suspend is true");
            }

            try
            {
                return Reconcile();
            }
            catch (AutomationException e)
            {
                return Fail(automation, e);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever breaks one automation (a file system error, libgit2) must not stop the others.
                return Fail(automation, new AutomationException(ErrorKind.InvalidOperation, "AutomationFailed",
                    $"Automation {Id} failed: {e.Message}", automation.File, "See the inner error.", e));
            }
        }

        private AutomationResult Reconcile()
        {
            Warn(automation.PushOptions.Count > 0, $"spec.git.push.options ({string.Join(", ", automation.PushOptions.Keys)}) are not sent: push options are not supported yet.");
            Warn(automation.Checkout is { } c && (c.Tag.Length > 0 || c.SemVer.Length > 0 || c.Name.Length > 0 || c.Commit.Length > 0),
                "spec.git.checkout.ref names a tag, semver, name or commit; the working copy's checked-out revision is used instead.");
            var signing = Signing();
            var updateRoot = UpdateRoot();
            Step(1, "Selecting tags");
            var policies = SelectPolicies();
            if (policies.Count == 0)
            {
                return Result(errors.Count > 0 ? AutomationStatus.Failed : AutomationStatus.UpToDate,
                    errors.Count > 0 ? "no policy could be selected" : "no ImagePolicy is selected by this automation");
            }

            Step(2, "Updating the manifests");
            var plan = new SetterEngine(log) { AllowDowngrade = request.AllowDowngrade, Progress = runner.Progress.Under(Activity) }
                .Plan(updateRoot, SetterPolicy.Index(policies));
            foreach (var problem in plan.Problems)
            {
                Record(automation, problem);
            }

            var changes = plan.Updates.SelectMany(u => u.Changes).ToList();
            var markerChanges = changes.Select(c => ToMarker(c, applied: true))
                .Concat(plan.RefusedDowngrades.Select(c => ToMarker(c, applied: false)))
                .OrderBy(m => m.File, StringComparer.Ordinal).ThenBy(m => m.Line).ToList();
            foreach (var refused in plan.RefusedDowngrades)
            {
                warnings.Add($"Downgrade refused: policy '{refused.Policy.Key}' would move {RepositoryRelative(refused.Path)}:{refused.Line} from '{refused.OldValue}' to '{refused.NewValue}'.");
            }

            // A marker that already holds its value may still differ on the remote (an earlier run committed without
            // pushing, or its push was rejected): with -Push it is replayed onto the remote's branch too, as
            // Submit-AutomationCommit replays the already-current changes Update-ImageSetter writes.
            var replayed = request.Push && !request.DryRun ? plan.AlreadyCurrent : [];
            if (changes.Count == 0 && replayed.Count == 0)
            {
                return Result(errors.Count > 0 ? AutomationStatus.Failed : AutomationStatus.UpToDate, "no marker changes", markerChanges);
            }

            // Rendered before anything is written: a template that fails leaves the files untouched.
            var automationObject = new AutomationObjectName(automation.Namespace, automation.Name);
            var message = CommitMessage.Render(NullIfEmpty(automation.MessageTemplate),
                new CommitTemplateData(automationObject, new ChangedFiles(changes.Select(ChangedValue.From)), automation.MessageTemplateValues));
            var files = plan.Updates.Select(u => RepositoryRelative(u.Path)).ToList();
            var diffs = plan.Updates.Select(u => new FileDiff(RepositoryRelative(u.Path),
                UnifiedDiff.Create(RepositoryRelative(u.Path), Encoding.UTF8.GetString(u.OriginalContent ?? []), Encoding.UTF8.GetString(u.NewContent)))).ToList();
            var pending = Result(AutomationStatus.WouldCommit, "", markerChanges) with { ChangedFiles = files, Diffs = diffs, Message = message };
            if (request.DryRun)
            {
                return pending with { Branch = automation.EffectivePushBranch ?? "", Reason = "dry run (-WhatIf)" };
            }

            Step(3, request.Push ? "Committing and pushing" : "Committing");
            var head = HeadOf(root, automation);
            WriteFiles(plan.Updates);
            CommitOutcome? outcome;
            try
            {
                outcome = Submit([.. changes, .. replayed], automationObject, signing);
            }
            catch (AutomationException) when (HeadOf(root, automation) == head)
            {
                Restore(plan.Updates); // nothing was committed: the files go back to what they were
                throw;
            }

            if (outcome is null)
            {
                return pending with { Status = nameof(AutomationStatus.UpToDate), Reason = "the branch already holds these values" };
            }

            return pending with
            {
                Reason = changes.Count == 0 ? "the working copy already held these values; the remote branch did not" : "",
                Status = (outcome.Pushed ? AutomationStatus.Pushed : AutomationStatus.Committed).ToString(),
                Commit = outcome.Sha,
                Branch = outcome.Branch,
                Pushed = outcome.Pushed,
                Message = outcome.Message,
                ChangedFiles = outcome.Files.ToList(),
                Summary = outcome.Summary,
                DurationSeconds = clock.Elapsed.TotalSeconds,
            };
        }

        /// <summary>The commit, through the same engine entry point Submit-AutomationCommit uses (race handling and commit rules included).</summary>
        private CommitOutcome? Submit(List<SetterChange> changes, AutomationObjectName automationObject, CommitSigning? signing) =>
            new GitAutomation(log) { Progress = runner.Progress.Under(Activity) }.Submit(new SubmitRequest(root, request.AllowDowngrade ? changes.Select(WithoutGuard).ToList() : changes, automation.AuthorEmail)
            {
                AuthorName = automation.AuthorName.Length > 0 ? automation.AuthorName : "fluxcdbot", // git needs a name; Flux allows none
                MessageTemplate = NullIfEmpty(automation.MessageTemplate),
                MessageTemplateValues = automation.MessageTemplateValues,
                AutomationObject = automationObject,
                Push = request.Push,
                Remote = request.Remote,
                PushBranch = automation.EffectivePushBranch,
                Refspecs = automation.PushRefspec.Length > 0 ? [automation.PushRefspec] : [],
                Credential = request.GitCredential,
                MaxAttempts = request.MaxAttempts,
                Signing = signing,
            });

        /// <summary>The automation's policies with the tag each selects now; a policy that fails is reported and left out (Flux keeps only policies with a latest ref).</summary>
        private List<SetterPolicy> SelectPolicies()
        {
            var selected = new List<SetterPolicy>();
            foreach (var policy in PoliciesOf(automation, objects))
            {
                var repository = repositories[(policy.ImageRepositoryRef.Namespace, policy.ImageRepositoryRef.Name)];
                try
                {
                    IReadOnlyList<ListedTag> listed;
                    try
                    {
                        listed = runner.Listing(repository, log, ct).GetAwaiter().GetResult();
                    }
                    catch (AutomationException e)
                    {
                        Record(repository, e);
                        policyResults.Add(new PolicyResult(policy.Policy, policy.Image, "", "", 0, 0, e.Message));
                        continue;
                    }

                    var tagPolicy = policy.ToTagPolicy();
                    var selection = tagPolicy.Select(listed.Select(t => t.Tag).ToList());
                    if (selection.Tag is not { } tag)
                    {
                        throw new AutomationException(ErrorKind.ObjectNotFound, "PolicyNoMatchingTag",
                            $"Policy '{policy.Policy}' ({tagPolicy}) selects no tag of '{policy.Image}': {selection.CandidateCount} tag(s) listed, none is a candidate.",
                            policy.Policy, "Check the policy's range and filter against the tags the repository lists.") { Settings = [Setting.TagFilter] };
                    }

                    var reported = listed.FirstOrDefault(t => t.Tag == tag)?.Digest;
                    var digest = DigestReflection.DigestAsync(policy.DigestReflection, policy.Image, tag, reported, runner.tags, policy.Insecure, log, ct)
                        .GetAwaiter().GetResult();
                    var setter = new SetterPolicy(policy.Policy, policy.Image, tag, digest.Length == 0 ? null : digest) { SelectedBy = tagPolicy };
                    setter.Validate();
                    selected.Add(setter);
                    policyResults.Add(new PolicyResult(policy.Policy, policy.Image, tag, digest, selection.CandidateCount, selection.MatchedCount, ""));
                    log.Verbose($"{Id}: policy '{policy.Policy}' selected {setter.Reference} ({selection.MatchedCount} of {selection.CandidateCount} tags).");
                }
                catch (AutomationException e)
                {
                    Record(policy, e);
                    policyResults.Add(new PolicyResult(policy.Policy, policy.Image, "", "", 0, 0, e.Message));
                }
            }

            return selected;
        }

        /// <summary>Flux joins <c>spec.update.path</c> to the checkout so it cannot escape it; here an escaping path is an error.</summary>
        private string UpdateRoot()
        {
            var path = ContainedPath(root, automation.UpdatePath) ?? throw new AutomationException(ErrorKind.InvalidArgument, "UpdatePathOutsideRepository",
                $"Automation {Id}: the update path '{automation.UpdatePath}' leads outside the repository.", automation.UpdatePath,
                "Give a path inside the repository, relative to its root.") { Settings = [Setting.UpdatePath] };
            return Directory.Exists(path) ? path : throw new AutomationException(ErrorKind.ObjectNotFound, "UpdatePathNotFound",
                $"Automation {Id}: the update path '{automation.UpdatePath}' is not a directory of the repository.", automation.UpdatePath,
                "Give the directory holding the manifests, relative to the repository root.") { Settings = [Setting.UpdatePath] };
        }

        private CommitSigning? Signing()
        {
            if (automation.SigningKeySecretRef.Length == 0)
            {
                return null;
            }

            if (request.SigningKey is null)
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "AutomationSigningKeyMissing",
                    $"Automation {Id} signs its commits with the key in Secret '{automation.SigningKeySecretRef}', which cannot be read outside the cluster.",
                    automation.SigningKeySecretRef, "Pass -SigningKey with the same key (a gpg key id or armored key file, or an SSH private key file).");
            }

            return new CommitSigning(automation.SigningKeyType == "ssh" ? SigningFormat.Ssh : SigningFormat.OpenPgp, request.SigningKey);
        }

        /// <summary>Writes the updates together; if one fails, the ones written are put back, so the files are as they were.</summary>
        private void WriteFiles(IReadOnlyList<FileUpdate> updates)
        {
            var failures = AtomicFile.WriteAll(updates);
            if (failures.FirstOrDefault(f => f is not null) is not { } failure)
            {
                return;
            }

            Restore(updates.Where((_, i) => failures[i] is null).ToList());
            throw failure;
        }

        /// <summary>The checked-out commit; with no push branch in the automation, a detached HEAD leaves nowhere to commit.</summary>
        private static string? HeadOf(string root, ImageUpdateAutomation automation)
        {
            using var repository = new Repository(root);
            if (repository.Info.IsHeadDetached && automation.EffectivePushBranch is null)
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "AutomationPushBranchMissing",
                    $"Automation {automation.Namespace}/{automation.Name} names no push or checkout branch, and the working copy's HEAD is detached, so there is no branch to commit to.",
                    automation.File, "Name the push branch, or check out a branch.") { Settings = [Setting.PushBranch] };
            }

            return repository.Head.Tip?.Sha;
        }

        /// <summary>Puts each file back unless it changed since it was written (then the newer edit stays, with a warning):
        /// one file that cannot be put back neither stops the others nor hides the error that made the run undo its writes.</summary>
        private void Restore(IReadOnlyList<FileUpdate> updates)
        {
            foreach (var update in updates.Where(u => u.OriginalContent is not null))
            {
                try
                {
                    AtomicFile.Write(update.Path, update.OriginalContent!, update.NewContent);
                }
                catch (AutomationException e)
                {
                    Warn(true, $"{RepositoryRelative(update.Path)} was not put back as it was: {e.Message}");
                }
            }
        }

        private static SetterChange WithoutGuard(SetterChange change) => change with { Policy = change.Policy with { SelectedBy = null } };

        private MarkerChange ToMarker(SetterChange change, bool applied) =>
            new(RepositoryRelative(change.Path), change.Line, change.Setter, change.OldValue, change.NewValue, applied);

        private string RepositoryRelative(string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

        private void Warn(bool condition, string message)
        {
            if (condition)
            {
                warnings.Add(message);
                log.Warning($"{Id} ({automation.RelativePath}): {message}");
            }
        }

        private void Record(FluxObject subject, AutomationException error)
        {
            errors.Add(error.Message);
            failures.Add(new AutomationFailure(Id, subject, error));
        }

        private AutomationResult Fail(FluxObject subject, AutomationException error)
        {
            Record(subject, error);
            return Result(AutomationStatus.Failed, error.Message);
        }

        private AutomationResult Result(AutomationStatus status, string reason, IReadOnlyList<MarkerChange>? changes = null) => new()
        {
            Name = automation.Name,
            Namespace = automation.Namespace,
            File = automation.RelativePath,
            Repository = root,
            Status = status.ToString(),
            Reason = reason,
            Policies = policyResults.ToList(),
            Changes = changes ?? [],
            Warnings = warnings.ToList(),
            Errors = errors.ToList(),
            DurationSeconds = clock.Elapsed.TotalSeconds,
        };

        private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
    }
}
