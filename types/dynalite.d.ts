// dynalite ships no type declarations.
declare module "dynalite";
