/**
 * Under mutation testing (`npm run test:mutation` sets AUTH_SKILL_MUTATION=1) each test file runs once per
 * mutant it covers, inside Stryker's instrumented copy: the large property and sampling tests run a tenth of
 * their cases there (still hundreds), and their full count everywhere else.
 */
export const UNDER_MUTATION = process.env.AUTH_SKILL_MUTATION === "1";

/** `n` cases normally, a tenth (rounded up) under mutation testing. */
export const scaled = (n: number): number => (UNDER_MUTATION ? Math.ceil(n / 10) : n);
