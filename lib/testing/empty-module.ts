// Stands in for "server-only" under vitest, where the react-server export
// condition that makes it a no-op is not set.
export {};
