export const healthPaths = { health: '/health' } as const;
