import { vitePlugin as remix } from '@remix-run/dev';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [
    tailwindcss(),
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: { alias: { '~': new URL('./app', import.meta.url).pathname } },
  // The server process and the Remix build must share ONE instance of the domain packages
  // (AppError instanceof checks, the auth service in the load context): never bundle them.
  ssr: { external: ['@konsort/api', '@konsort/db'] },
  // Optimise the browser's dependencies up front: a re-optimisation during the first page load
  // would reload the page with a second copy of React.
  // (The last two are only discovered when Remix analyses route modules, not used in the browser.)
  optimizeDeps: {
    include: ['i18next', 'react-i18next', 'remix-i18next/react', 'remix-i18next/server', '@remix-run/node'],
  },
  server: { hmr: { port: 24_679 } },
  build: {
    target: 'es2022',
    // Vite does not externalise linked workspace packages in a build by itself.
    rollupOptions: isSsrBuild ? { external: [/^@konsort\//] } : {},
  },
}));
