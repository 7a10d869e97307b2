export * from "./input-schema";
