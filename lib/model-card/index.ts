export * from "./card";
export * from "./from-mct";
