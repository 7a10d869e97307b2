export * from "./input-schema";
export * from "./model-input";
export * from "./version-input";
export * from "./reference-data";
export * from "./diff";
export * from "./classes";
export * from "./infer-schema";
