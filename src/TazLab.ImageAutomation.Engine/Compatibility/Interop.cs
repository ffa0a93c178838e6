using System.ComponentModel;

namespace System.Runtime.InteropServices;

/// <summary>.NET 6's P/Invoke error helpers and UTF-8 strings.</summary>
internal static class MarshalPolyfill
{
    [DllImport("kernel32.dll", EntryPoint = "SetLastError")]
    private static extern void SetLastWin32Error(int error);

    extension(Marshal)
    {
        public static void SetLastSystemError(int error) => SetLastWin32Error(error);

        /// <summary>A NUL-terminated UTF-8 string, or null for a null pointer.</summary>
        public static string? PtrToStringUTF8(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return null;
            }

            var length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }

            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        public static int GetLastPInvokeError() => Marshal.GetLastWin32Error();

        public static int GetLastSystemError() => Marshal.GetLastWin32Error();

        public static string GetPInvokeErrorMessage(int error) => new Win32Exception(error).Message;
    }
}
