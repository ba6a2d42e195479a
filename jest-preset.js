'use strict';
// `preset: 'app-services-emulator'`: one emulator per jest worker, its addresses in the worker's
// environment (APP_SERVICES_URL, DATA_API_URL, MONGODB_URI, APP_SERVICES_APP_ID,
// APP_SERVICES_ADMIN_KEY). The app and its seed come from
// testEnvironmentOptions.appServicesEmulator; see the README's "Testing your app with jest".
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  globalSetup: path.join(__dirname, 'dist/jest/global-setup.js'),
  globalTeardown: path.join(__dirname, 'dist/jest/global-teardown.js'),
  setupFiles: [path.join(__dirname, 'dist/jest/setup.js')],
};
