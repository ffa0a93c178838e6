namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>Flux's ImagePolicy choices.</summary>
public enum PolicyKind
{
    SemVer,
    Numerical,
    Alphabetical,
}

/// <summary>Flux's <c>order</c>: Asc selects the greatest value, Desc the smallest.</summary>
public enum PolicyOrder
{
    Asc,
    Desc,
}
