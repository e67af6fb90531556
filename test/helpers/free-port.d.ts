/** A free port on 127.0.0.1, found by binding port 0 and releasing it. */
export declare function freePort(): Promise<number>;
