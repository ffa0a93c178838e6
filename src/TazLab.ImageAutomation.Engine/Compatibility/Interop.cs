using System.ComponentModel;

namespace System.Runtime.InteropServices;

/// <summary>.NET 6's P/Invoke error helpers.</summary>
internal static class MarshalPolyfill
{
    extension(Marshal)
    {
        public static int GetLastPInvokeError() => Marshal.GetLastWin32Error();

        public static string GetPInvokeErrorMessage(int error) => new Win32Exception(error).Message;
    }
}
