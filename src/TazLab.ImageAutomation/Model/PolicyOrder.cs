namespace TazLab.ImageAutomation;

/// <summary>Flux's policy <c>order</c>: Asc selects the greatest value, Desc the smallest.</summary>
public enum PolicyOrder
{
    Asc,
    Desc,
}
