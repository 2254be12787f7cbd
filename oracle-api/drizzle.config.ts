import { defineConfig } from 'drizzle-kit';

// Migrations come only from `npm run db:generate -w oracle-api`; src/db/migrate.ts applies them.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  strict: true,
  casing: 'snake_case',
});
