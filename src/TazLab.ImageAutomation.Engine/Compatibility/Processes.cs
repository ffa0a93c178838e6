namespace System.Diagnostics;

/// <summary>.NET Core's waits on a process.</summary>
internal static class ProcessPolyfill
{
    extension(Process process)
    {
        public bool WaitForExit(TimeSpan timeout) => process.WaitForExit((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));

        public async Task WaitForExitAsync(CancellationToken cancellationToken = default)
        {
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => exited.TrySetResult(true);
            if (process.HasExited)
            {
                exited.TrySetResult(true);
            }

            using (cancellationToken.Register(() => exited.TrySetCanceled(cancellationToken)))
            {
                await exited.Task.ConfigureAwait(false);
            }

            // As on .NET Core: the redirected output is read to its end before the wait returns.
            process.WaitForExit();
        }
    }
}

/// <summary>
/// .NET Core's argument list, joined into <see cref="ProcessStartInfo.Arguments"/> with the quoting the Windows C
/// runtime parses back (as .NET Core does on Windows), and its process-tree kill (taskkill /T).
/// </summary>
internal static class ProcessStartPolyfill
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProcessStartInfo, ArgumentList> Lists = new();

    extension(ProcessStartInfo startInfo)
    {
        public System.Collections.ObjectModel.Collection<string> ArgumentList => Lists.GetValue(startInfo, info => new ArgumentList(info));
    }

    extension(Process process)
    {
        public void Kill(bool entireProcessTree)
        {
            if (entireProcessTree)
            {
                using var taskkill = Process.Start(new ProcessStartInfo("taskkill.exe", $"/T /F /PID {process.Id}")
                {
                    UseShellExecute = false,
                    CreateNoWindow = true,
                });
                if (taskkill is not null && taskkill.WaitForExit(5000) && process.HasExited)
                {
                    return;
                }
            }

            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private sealed class ArgumentList(ProcessStartInfo startInfo) : System.Collections.ObjectModel.Collection<string>
    {
        protected override void InsertItem(int index, string item)
        {
            base.InsertItem(index, item);
            startInfo.Arguments = string.Join(" ", this.Select(Quote));
        }

        protected override void SetItem(int index, string item)
        {
            base.SetItem(index, item);
            startInfo.Arguments = string.Join(" ", this.Select(Quote));
        }

        protected override void RemoveItem(int index)
        {
            base.RemoveItem(index);
            startInfo.Arguments = string.Join(" ", this.Select(Quote));
        }

        protected override void ClearItems()
        {
            base.ClearItems();
            startInfo.Arguments = string.Empty;
        }

        // CommandLineToArgvW's rules: quotes around arguments with blanks or quotes; a quote is preceded by a
        // backslash, and backslashes before a quote (or the closing quote) are doubled.
        private static string Quote(string argument)
        {
            if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '\n', '\v', '"']) < 0)
            {
                return argument;
            }

            var quoted = new System.Text.StringBuilder("\"");
            for (var i = 0; i < argument.Length; i++)
            {
                var backslashes = 0;
                while (i < argument.Length && argument[i] == '\\')
                {
                    backslashes++;
                    i++;
                }

                if (i == argument.Length)
                {
                    quoted.Append('\\', backslashes * 2);
                }
                else if (argument[i] == '"')
                {
                    quoted.Append('\\', (backslashes * 2) + 1).Append('"');
                }
                else
                {
                    quoted.Append('\\', backslashes).Append(argument[i]);
                }
            }

            return quoted.Append('"').ToString();
        }
    }
}
