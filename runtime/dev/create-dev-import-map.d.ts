/** The import map of a podlet's dev preview (create-dev-import-map.js). */
export declare function createDevImportMap(options: { rootDir: string; podletDir: string; podletsPath: (name: string) => string }): {
  imports: Record<string, string>;
  scopes?: Record<string, Record<string, string>>;
};
