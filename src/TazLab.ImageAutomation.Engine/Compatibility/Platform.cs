namespace System;

/// <summary>.NET 5's <c>OperatingSystem.Is*</c> checks. The .NET Framework build runs only in Windows PowerShell 5.1.</summary>
internal static class OperatingSystemPolyfill
{
    extension(OperatingSystem)
    {
        public static bool IsWindows() => true;

        public static bool IsLinux() => false;

        public static bool IsMacOS() => false;
    }
}
