using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>The automation's commit objects: message, author and committer, signature. Refs are not touched here.</summary>
internal sealed class CommitBuilder(Repository repository, SubmitRequest request)
{
    public Commit Create(Tree tree, Commit parent, string message)
    {
        var when = DateTimeOffset.Now;
        // libgit2 refuses an empty name (go-git does not): fall back to the email's local part.
        var authorName = string.IsNullOrWhiteSpace(request.AuthorName) ? request.AuthorEmail.Split('@')[0] : request.AuthorName;
        var author = new Signature(authorName, request.AuthorEmail, when);
        var committer = request.CommitterName is null && request.CommitterEmail is null
            ? author
            : new Signature(request.CommitterName ?? authorName, request.CommitterEmail ?? request.AuthorEmail, when);
        if (request.Signing is null)
        {
            return repository.ObjectDatabase.CreateCommit(author, committer, message, tree, [parent], prettifyMessage: false);
        }

        var buffer = Commit.CreateBuffer(author, committer, message, tree, [parent], prettifyMessage: false, commentChar: null);
        var signature = CommitSigner.Sign(request.Signing, buffer);
        return repository.Lookup<Commit>(repository.ObjectDatabase.CreateCommitWithSignature(buffer, signature));
    }

    /// <summary>The literal message, or the template rendered with Flux's data over <paramref name="changes"/>.</summary>
    public string Message(IReadOnlyList<SetterChange> changes)
    {
        if (request.Message is not null)
        {
            return request.Message;
        }

        var automation = request.AutomationObject
            ?? new AutomationObjectName(changes[0].Setter.Split(':')[0], "image-update-automation");
        var data = new CommitTemplateData(automation, new ChangedFiles(changes.Select(ChangedValue.From)), request.MessageTemplateValues);
        return CommitMessage.Render(request.MessageTemplate, data);
    }
}
