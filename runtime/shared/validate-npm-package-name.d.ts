// validate-npm-package-name ships no types; this is the part of its API is-package-name.ts uses.
declare module 'validate-npm-package-name' {
  interface ValidationResult {
    validForNewPackages: boolean;
    validForOldPackages: boolean;
    warnings?: string[];
    errors?: string[];
  }
  function validate(name: string): ValidationResult;
  export default validate;
}
