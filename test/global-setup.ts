/** Says once, at the start of a run, which database the driver-level tests talk to. */
export default function globalSetup(): void {
  const target = process.env.TEST_MONGODB_URI
    ? `TEST_MONGODB_URI (${process.env.TEST_MONGODB_URI.replace(/\/\/[^@/]*@/, '//***@')}); embedded-only suites are skipped`
    : 'the embedded engine (set TEST_MONGODB_URI to run the same tests against a real MongoDB)';
  process.stdout.write(`\ndriver tests run against ${target}\n`);
}
