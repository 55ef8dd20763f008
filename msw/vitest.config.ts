import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The examples import the package by its name, as a project that installed it does.
    alias: { "allmine-viewers-msw": new URL("./src/index.ts", import.meta.url).pathname },
  },
  test: {
    include: ["examples/**/*.test.ts", "test/**/*.test.ts"],
  },
});
