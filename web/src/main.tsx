import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';

import { localStorageColorSchemeManager, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, setUnauthorizedHandler } from './lib/api.ts';
import { clearSession } from './modules/session/api.ts';
import { makeRouter } from './router.tsx';
import { theme } from './theme.ts';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // Client errors (403, 404, 401) will not get better by asking again.
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
    },
  },
});

const router = makeRouter(queryClient);

// Any 401 outside the login form means the session is gone: forget it and log in again, then come back.
setUnauthorizedHandler(() => {
  clearSession(queryClient);
  const { pathname, href } = router.state.location;
  if (pathname === '/login' || pathname === '/setup' || pathname.startsWith('/invite/')) return;
  void router.navigate({ to: '/login', search: { next: href === '/' ? undefined : href }, replace: true });
});

const colorSchemeManager = localStorageColorSchemeManager({ key: 'patron-color-scheme' });

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light" colorSchemeManager={colorSchemeManager}>
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
