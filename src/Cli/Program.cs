using EventStore.Cli;

// The admin CLI: every command, its options and its exit codes are in CliApp.
return await CliApp.RunAsync(args, CliConsole.Standard());
