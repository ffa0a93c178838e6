using LibGit2Sharp;
using LibGit2Sharp.Handlers;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>How a push went: accepted (<see cref="Rejection"/> null) or refused, and what the remote's hooks said.</summary>
/// <param name="Transient">Refused for a reason that may pass (the branch was locked by a simultaneous push).</param>
internal sealed record PushResult(string? Rejection, bool Transient, IReadOnlyList<string> RemoteMessages);

/// <summary>
/// One remote of the working copy: listing, fetching and pushing one branch. A repository on disk is pushed to and
/// fetched from with the git program, which runs its hooks and moves its branch atomically (libgit2's local transport
/// does neither); network remotes are pushed to with git when it is installed (so hooks' messages arrive) and fetched
/// from with libgit2, which answers a credential request once. Every text from the remote goes through <see cref="GitServerText"/>.
/// </summary>
internal sealed class RemoteTransport
{
    private readonly Repository repository;
    private readonly SubmitRequest request;
    private readonly IEngineLog log;
    private readonly string root;
    private readonly string? fetchPath;
    private readonly string? pushPath;

    /// <summary>
    /// The URL git is run on, or null for libgit2: on-disk remotes, any remote of a shallow clone (libgit2 breaks its
    /// boundary), and pushes when git is installed (libgit2 drops the hooks' messages).
    /// </summary>
    private readonly string? gitFetchUrl;
    private readonly string? gitPushUrl;

    public RemoteTransport(Repository repository, string root, SubmitRequest request, IEngineLog log, bool pushNetworkRemotesWithGit)
    {
        this.repository = repository;
        this.root = root;
        this.request = request;
        this.log = log;
        Remote = repository.Network.Remotes[request.Remote] ?? throw RemoteNotFound(repository, root, request.Remote);
        fetchPath = LocalRepositoryPath(Remote.Url);
        pushPath = LocalRepositoryPath(Remote.PushUrl ?? Remote.Url);
        var shallow = repository.Info.IsShallow;
        gitFetchUrl = fetchPath ?? (shallow ? Remote.Url : null);
        gitPushUrl = pushPath ?? (shallow || pushNetworkRemotesWithGit ? Remote.PushUrl ?? Remote.Url : null);
    }

    public Remote Remote { get; }

    /// <summary>The remote's name and URL without credentials, for messages.</summary>
    public string Description => $"'{Remote.Name}' ({GitServerText.RedactUrl(Remote.PushUrl ?? Remote.Url)})";

    /// <summary>Where the branch is on the remote now; null when it has no such branch.</summary>
    public ObjectId? BranchTip(string branch)
    {
        var name = $"refs/heads/{branch}";
        if (fetchPath is not null)
        {
            // Reading a ref of a repository on disk is safe without git, and spares a process per attempt.
            return ReadLocalRef(fetchPath, name);
        }

        if (gitFetchUrl is not null)
        {
            var listed = RunGit("listing the branches of", "ls-remote", gitFetchUrl, name);
            return listed.Output.Split('\n').Select(l => l.Split('\t')).FirstOrDefault(p => p.Length == 2 && p[1] == name) is { } line
                ? new ObjectId(line[0])
                : null;
        }

        var head = Network("listing the branches of", () =>
            (Credentials is { } credentials ? repository.Network.ListReferences(Remote, credentials) : repository.Network.ListReferences(Remote))
                .FirstOrDefault(r => r.CanonicalName == name));
        return head is null ? null : new ObjectId(head.TargetIdentifier);
    }

    private ObjectId? ReadLocalRef(string path, string name)
    {
        try
        {
            using var target = new Repository(path);
            return target.Refs[name]?.ResolveToDirectReference()?.TargetIdentifier is { } id ? new ObjectId(id) : null;
        }
        catch (LibGit2SharpException e)
        {
            throw new AutomationException(ErrorKind.ConnectionError, "GitRemoteFailed",
                $"Listing the branches of remote {Description} failed: {Scrub(e.Message)}", Remote.Name,
                "Check that the remote names a git repository this user can read.", e);
        }
    }

    /// <summary>Fetches the branch into its remote-tracking ref; null when the remote has no such branch.</summary>
    public Commit? FetchBranch(string branch)
    {
        if (BranchTip(branch) is not { } tip)
        {
            return null;
        }

        if (repository.Lookup<Commit>(tip) is { } known)
        {
            return known;
        }

        var refspec = $"+refs/heads/{branch}:refs/remotes/{Remote.Name}/{branch}";
        if (gitFetchUrl is not null)
        {
            // git keeps a shallow clone's boundary (.git/shallow) consistent; libgit2's fetch did not.
            RunGit("fetching from", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", gitFetchUrl, refspec);
        }
        else
        {
            Network("fetching from", () =>
            {
                Commands.Fetch(repository, Remote.Name, [refspec], new FetchOptions { CredentialsProvider = Credentials, TagFetchMode = TagFetchMode.None }, null);
                return 0;
            });
        }

        return repository.Lookup<Commit>(tip) ?? throw new AutomationException(ErrorKind.InvalidData, "GitFetchIncomplete",
            $"Fetching branch '{branch}' from remote {Description} did not bring its commit {tip.Sha[..7]}.", Remote.Name,
            "Check that the remote repository is intact ('git fsck').");
    }

    /// <summary>Pushes <paramref name="source"/> (a commit id or a local ref, '+' to force) to <paramref name="destination"/>.</summary>
    public PushResult Push(string source, string destination)
    {
        var result = gitPushUrl is not null ? PushWithGit(source, destination) : PushWithLibgit2(source, destination);
        foreach (var message in result.RemoteMessages)
        {
            log.Verbose($"remote {Remote.Name}: {message}");
        }

        return result;
    }

    /// <summary>Records where the remote branch is now, as git does after a push.</summary>
    public void UpdateTrackingRef(string branch, ObjectId id) =>
        repository.Refs.Add($"refs/remotes/{Remote.Name}/{branch}", id, "update by push", allowOverwrite: true);

    private PushResult PushWithGit(string source, string destination)
    {
        // --no-verify: the clone's own pre-push hook is the person's, not the automation's (libgit2 pushes skip it too).
        var result = RunGit("pushing to", allowFailure: true, "push", "--porcelain", "--no-verify", gitPushUrl!, $"{source}:{destination}");
        var messages = result.Error.Split('\n')
            .Where(l => l.StartsWith("remote: ", StringComparison.Ordinal))
            .Select(l => Scrub(l["remote: ".Length..].TrimEnd()))
            .Where(l => l.Length > 0)
            .ToList();
        var status = result.Output.Split('\n').FirstOrDefault(l => l.Length > 2 && l[1] == '\t' && l.Contains(destination, StringComparison.Ordinal));
        if (status is null)
        {
            throw GitFailed("pushing to", result);
        }

        if (result.ExitCode == 0 && status[0] != '!')
        {
            return new PushResult(null, false, messages);
        }

        var summary = Scrub(status.Split('\t').Last().Trim());
        return new PushResult(WithMessages(summary, messages), IsTransient(summary), messages);
    }

    private PushResult PushWithLibgit2(string source, string destination)
    {
        string? rejection = null;
        try
        {
            Network("pushing to", () =>
            {
                repository.Network.Push(Remote, $"{source}:{destination}", new PushOptions
                {
                    CredentialsProvider = Credentials,
                    OnPushStatusError = error => rejection = error.Message,
                });
                return 0;
            });
        }
        catch (NonFastForwardException e)
        {
            rejection = e.Message;
        }

        return rejection is null ? new PushResult(null, false, []) : new PushResult(Scrub(rejection), IsTransient(rejection), []);
    }

    private static bool IsTransient(string reason) =>
        reason.Contains("failed to update ref", StringComparison.OrdinalIgnoreCase) || reason.Contains("failed to lock", StringComparison.OrdinalIgnoreCase)
        || reason.Contains("cannot lock ref", StringComparison.OrdinalIgnoreCase);

    private static string WithMessages(string summary, IReadOnlyList<string> messages) =>
        messages.Count == 0 ? summary : $"{summary}; the remote said:\n  {string.Join("\n  ", messages)}";

    private GitCommandResult RunGit(string doing, params string[] arguments) => RunGit(doing, allowFailure: false, arguments);

    private GitCommandResult RunGit(string doing, bool allowFailure, params string[] arguments)
    {
        var result = GitCommandLine.Run(root, $"{char.ToUpperInvariant(doing[0])}{doing[1..]} remote {Description}", CredentialHelperInput, WithCredentialHelper(arguments));
        return result.ExitCode == 0 || allowFailure ? result : throw GitFailed(doing, result);
    }

    private AutomationException GitFailed(string doing, GitCommandResult result)
    {
        var reason = Scrub(result.Error.Trim());
        return reason.Contains("Authentication failed", StringComparison.OrdinalIgnoreCase) || reason.Contains("could not read Username", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("could not read Password", StringComparison.OrdinalIgnoreCase) || reason.Contains(" 401", StringComparison.Ordinal)
            ? AuthenticationFailed(doing, null)
            : new AutomationException(ErrorKind.ConnectionError, "GitRemoteFailed",
                $"{char.ToUpperInvariant(doing[0])}{doing[1..]} remote {Description} failed: {reason}", Remote.Name,
                "Check the remote URL and that the repository exists and this user may use it.");
    }

    /// <summary>
    /// git asks a credential helper given on its command line; the helper reads the credential from git's environment,
    /// so it never appears in a process list or a config file.
    /// </summary>
    private string[] WithCredentialHelper(string[] arguments) => request.Credential is null
        ? ["-c", "credential.helper=", .. arguments]
        : ["-c", "credential.helper=", "-c", "credential.helper=!f() { test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' \"$TAZLAB_GIT_USERNAME\" \"$TAZLAB_GIT_PASSWORD\"; }; f", .. arguments];

    private IReadOnlyDictionary<string, string>? CredentialHelperInput => request.Credential is { } credential
        ? new Dictionary<string, string> { ["TAZLAB_GIT_USERNAME"] = credential.UserName, ["TAZLAB_GIT_PASSWORD"] = credential.Secret }
        : null;

    /// <summary>
    /// A handler for one network operation. It answers once: when the server asks again the credential was refused,
    /// and replaying it (libgit2 would, several times) only adds the server's failed-login delays.
    /// </summary>
    private CredentialsHandler? Credentials
    {
        get
        {
            if (request.Credential is not { } credential)
            {
                return null;
            }

            var asked = 0;
            return (_, _, _) => Interlocked.Increment(ref asked) == 1
                ? new UsernamePasswordCredentials { Username = credential.UserName, Password = credential.Secret }
                : null;
        }
    }

    private T Network<T>(string doing, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (NonFastForwardException)
        {
            throw;
        }
        catch (LibGit2SharpException e)
        {
            var reason = Scrub(e.Message);
            if (reason.Contains("401", StringComparison.Ordinal) || reason.Contains("403", StringComparison.Ordinal)
                || reason.Contains("authentication", StringComparison.OrdinalIgnoreCase) || reason.Contains("credentials", StringComparison.OrdinalIgnoreCase)
                || reason.Contains("no callback set", StringComparison.OrdinalIgnoreCase))
            {
                throw AuthenticationFailed(doing, e);
            }

            throw new AutomationException(ErrorKind.ConnectionError, "GitRemoteFailed",
                $"{char.ToUpperInvariant(doing[0])}{doing[1..]} remote {Description} failed: {reason}", Remote.Name,
                "Check the remote URL and that the git server is reachable.", e);
        }
    }

    private AutomationException AuthenticationFailed(string doing, Exception? inner)
    {
        var who = request.Credential is null ? "a request without credentials" : $"the credentials of user '{request.Credential.UserName}'";
        var why = request.Credential is null ? "the server requires authentication" : "the server did not accept them";
        return new AutomationException(ErrorKind.AuthenticationError, "GitAuthenticationFailed",
            $"Remote {Description} refused {who} while {doing} it: {why}.", Remote.Name,
            "Give a user name and a password or token that may push to the repository.", inner)
        { Settings = [Setting.GitCredential] };
    }

    private string Scrub(string text) => GitServerText.Scrub(text, request.Credential);

    private static AutomationException RemoteNotFound(Repository repository, string root, string name)
    {
        var names = repository.Network.Remotes.Select(r => r.Name).ToList();
        return names.Count == 0
            ? new AutomationException(ErrorKind.ObjectNotFound, "GitRemoteNotFound",
                $"The repository at '{root}' has no remotes, so there is nowhere to push to (asked for '{name}').", name,
                $"Add one with 'git remote add {name} URL', or commit without pushing.")
            { Settings = [Setting.GitRemote] }
            : new AutomationException(ErrorKind.ObjectNotFound, "GitRemoteNotFound",
                $"The repository at '{root}' has no remote named '{name}'; its remotes are: {string.Join(", ", names.Select(n => $"'{n}'"))}.", name,
                $"Name one of its remotes ({string.Join(", ", names)}), or add one with 'git remote add {name} URL'.")
            { Settings = [Setting.GitRemote] };
    }

    /// <summary>The folder of a remote given as a path (absolute, or relative to the working copy) or a file:// URL; null for network remotes.</summary>
    private string? LocalRepositoryPath(string url)
    {
        string path;
        if (url.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            path = new Uri(url).LocalPath;
        }
        else if (url.Contains("://", StringComparison.Ordinal) || IsScpLike(url))
        {
            return null;
        }
        else
        {
            path = Path.IsPathRooted(url) ? url : Path.GetFullPath(Path.Combine(root, url));
        }

        return Directory.Exists(path) ? path : null;
    }

    /// <summary><c>host:path</c> (ssh), as git tells it from a path: a colon before any slash, and not a drive letter.</summary>
    private static bool IsScpLike(string url)
    {
        var colon = url.IndexOf(':');
        var slash = url.IndexOf('/');
        return colon > 1 && (slash < 0 || colon < slash);
    }
}
