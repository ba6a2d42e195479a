/**
 * Secrets. App Services never exports them (docs: values-and-secrets, "secrets are not exported"),
 * so the caller passes them in. Every reference is recorded with who makes it, for `validate` and
 * describeApp; a secret that an enabled, served part needs and that was not given is an error.
 */
import type { SecretReference, SecretRef, SecretUse } from './definition';
import type { ProblemLog } from './problems';

/** App Services limits a secret's value to 500 characters (docs: define-and-manage-secrets). */
const MAX_SECRET_LENGTH = 500;

export class SecretBook {
  private readonly uses = new Map<string, SecretUse[]>();

  constructor(
    private readonly given: Readonly<Record<string, string>>,
    private readonly problems: ProblemLog,
  ) {}

  /**
   * Records that `use` names the secret and returns it, with its value when given. `check` returns
   * what is wrong with a given value (reported as a warning: the emulator can still use it).
   */
  reference(name: string, use: SecretUse, check?: (value: string) => string | undefined): SecretRef {
    const list = this.uses.get(name) ?? [];
    list.push(use);
    this.uses.set(name, list);
    const value = Object.hasOwn(this.given, name) ? this.given[name] : undefined;
    if (value === undefined) {
      if (use.required) {
        this.problems.error(
          'MissingSecret',
          `${use.part} needs the secret "${name}" (${use.purpose}), which was not given. Give it with --secrets <file.json>, --secret ${name}=<value> or the environment variable APP_SECRET_${name}`,
          { file: use.file, path: use.path },
        );
      }
      return { name };
    }
    const problem = value.length > MAX_SECRET_LENGTH ? `is ${value.length} characters long; App Services allows at most ${MAX_SECRET_LENGTH}` : check?.(value);
    if (problem) this.problems.warning('InvalidSecret', `the secret "${name}" (${use.purpose} of ${use.part}) ${problem}`, { file: use.file, path: use.path });
    return { name, value };
  }

  /** Every secret named so far, sorted by name. */
  references(): SecretReference[] {
    return [...this.uses.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, neededBy]) => ({ name, given: Object.hasOwn(this.given, name), neededBy }));
  }
}
