// http-auth 4.2.1 ships no type declarations; only the integration tests use it.
declare module "http-auth";
