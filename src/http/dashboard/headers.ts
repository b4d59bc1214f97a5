/**
 * Security headers of every dashboard answer (@fastify/helmet): a Content-Security-Policy with no inline
 * script or style, no framing, no referrer. Images may come from https (Discord's CDN, artwork) and, for
 * the sandbox's fakes, from the plain-http origins of HIQTY_SERVICE_ORIGINS.
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';

export function helmetOptions(httpImageOrigins: readonly string[]): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:', ...httpImageOrigins],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The page loads nothing from other origins that would need these relaxed; helmet's defaults stay.
    crossOriginEmbedderPolicy: false,
  };
}
