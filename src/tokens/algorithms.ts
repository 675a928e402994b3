/** The algorithms access tokens can be signed with. Each key is used with exactly one of them. */
export type SigningAlgorithm = "HS256" | "EdDSA" | "ES256" | "RS256";
