// The dashboard's build: `npm run build:web` writes dist/web, which the service serves at /.
import { defineConfig } from "vite";

export default defineConfig({
  root: "web",
  base: "/",
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: true,
    // Paths a person can read in the served files; hashes make them cacheable forever.
    rollupOptions: { output: { entryFileNames: "assets/[name]-[hash].js" } },
  },
});
