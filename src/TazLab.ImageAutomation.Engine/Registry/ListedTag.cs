namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>One tag of one image as a tag source reported it.</summary>
/// <param name="Image">The image name as the user wrote it (or as an OCI layout names it): what setters write.</param>
/// <param name="CanonicalImage">registry/repository in canonical form.</param>
public sealed record ListedTag(string Image, string CanonicalImage, string Registry, string Repository, string Tag, string? Digest);
