/**
 * One emulator per jest worker, serving the Atlas Data API tutorial's app with a small
 * sample_training seed. In your project, `app` is your exported app directory (realm-cli pull,
 * appservices pull); paths are relative to this file.
 *
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'app-services-emulator',
  testEnvironmentOptions: {
    appServicesEmulator: {
      app: '../../fixtures/apps/data-api-blog',
      seed: 'sample_training:small',
      secrets: { jwtSecret: 'change-me-to-a-secret-of-32-chars' },
    },
  },
  // Plain CommonJS tests need no transform (jest would otherwise run babel over them).
  transform: {},
};
