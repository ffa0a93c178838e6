namespace System;

/// <summary>.NET Core's generic <c>Enum.Parse</c>.</summary>
internal static class EnumPolyfill
{
    extension(Enum)
    {
        public static TEnum Parse<TEnum>(string value, bool ignoreCase)
            where TEnum : struct, Enum =>
            (TEnum)Enum.Parse(typeof(TEnum), value, ignoreCase);
    }
}
