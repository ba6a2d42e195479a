/** `APP_SERVICES_EMULATOR_WORKER_3`: the JSON-encoded EmulatorEnvironment of jest worker 3. */
export function workerVariable(workerId: number | string): string {
  return `APP_SERVICES_EMULATOR_WORKER_${workerId}`;
}
