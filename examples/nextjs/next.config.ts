import type { NextConfig } from "next";

const config: NextConfig = {
  // auth-skill's native addons (argon2id, bcrypt) are loaded by Node, never bundled. Both are on Next.js's own
  // list already; naming them here keeps that true whatever a later release's list says.
  serverExternalPackages: ["@node-rs/argon2", "@node-rs/bcrypt"],
  poweredByHeader: false,
};

export default config;
