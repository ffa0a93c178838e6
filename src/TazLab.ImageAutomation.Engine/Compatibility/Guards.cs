using System.Runtime.CompilerServices;

namespace System;

/// <summary>.NET 6's argument guards.</summary>
internal static class ArgumentGuardPolyfill
{
    extension(ArgumentNullException)
    {
        public static void ThrowIfNull(object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null)
            {
                throw new ArgumentNullException(paramName);
            }
        }
    }
}
