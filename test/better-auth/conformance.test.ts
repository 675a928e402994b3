// bridge.storage keeps every StorageAdapter guarantee on Better Auth's own tables (created by Better
// Auth's migrations), on SQLite and PostgreSQL. Usernames need Better Auth's username plugin; without it the
// capability is declared missing. Roles need the admin plugin's user.role column, whose ban columns come with it
// (users then read with disabledUntil): roles.test.ts covers them. Single-use tokens live in Better Auth's
// verification table. Second factors need Better Auth's twoFactor plugin (its table and user.twoFactorEnabled) and the
// passkey plugin's table (made as its migration makes it: two-factor-support.ts).
import type { StorageAdapter } from "auth-skill";
import { runStorageConformance } from "auth-skill/testing";
import { twoFactor } from "better-auth/plugins";
import { DIALECTS, stack, type DialectName } from "./support.js";
import { passkeyTable } from "./two-factor-support.js";

function conformance(dialect: DialectName, usernames: boolean): void {
  const closers = new Map<StorageAdapter, () => Promise<void>>();
  runStorageConformance(
    `better-auth bridge (${dialect}${usernames ? ", username plugin" : ""})`,
    async () => {
      const s = await stack(dialect, { usernames, plugins: [twoFactor()] });
      await passkeyTable(s);
      closers.set(s.bridge.storage, s.close);
      return s.bridge.storage;
    },
    {
      without: usernames ? ["roles"] : ["usernames", "roles"],
      teardown: async (storage) => {
        await closers.get(storage)?.();
        closers.delete(storage);
      },
    },
  );
}

for (const dialect of DIALECTS) {
  conformance(dialect, true);
  conformance(dialect, false);
}
