import { defineConfig } from "vite";

// The app is built into the service's wwwroot; the dev server passes /api on to a running Web service.
export default defineConfig({
  base: "./",
  build: { outDir: "../wwwroot", emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { "/api": "http://127.0.0.1:5100" } },
});
