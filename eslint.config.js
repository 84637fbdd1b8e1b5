// ESLint for the browser client (plain ES modules, no build step) and its Node tests.
// `npx eslint client tests/js` runs in the test suite (tests/test_javascript.py).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/**", "bench/**", "test-artifacts/**", ".venv/**"] },
  js.configs.recommended,
  {
    files: ["client/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-dupe-keys": "error",
    },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
