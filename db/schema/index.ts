export * from "./users";
export * from "./models";
export * from "./predictions";
export * from "./governance";
export * from "./monitoring";
export * from "./retention";
