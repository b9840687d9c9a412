import { defineConfig } from "vite";

// Relative asset paths: Tauri serves dist/ from its own protocol.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  clearScreen: false,
});
