/** Runs a bench entry point as a program: exit 0 when it resolves, 1 with the stack when it rejects. */
export function runProgram(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
