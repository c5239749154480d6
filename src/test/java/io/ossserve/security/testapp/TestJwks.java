package io.ossserve.security.testapp;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

/** A loopback JWK-set server and a token minter for the JWT tests. */
public final class TestJwks implements AutoCloseable {
    /** One server for the whole test JVM (the shared application context points at it). */
    public static final TestJwks SHARED = new TestJwks();

    public static final String ISSUER = "https://issuer.test/";
    public static final String AUDIENCE = "oss-serve";

    private final RSAKey key;
    private final RSAKey otherKey;
    private final HttpServer server;

    private TestJwks() {
        try {
            key = new RSAKeyGenerator(2048).keyID("k1").generate();
            otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks.json", ex -> {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    public String token(String issuer, String audience, String tenant, long expiresInSeconds, List<String> roles) {
        return sign(claims(issuer, audience, tenant, expiresInSeconds, roles), key);
    }

    public String tokenSignedByOtherKey(String tenant) {
        return sign(claims(ISSUER, AUDIENCE, tenant, 300, List.of()), otherKey);
    }

    public String unsignedToken(String tenant) {
        return new PlainJWT(claims(ISSUER, AUDIENCE, tenant, 300, List.of())).serialize();
    }

    private static JWTClaimsSet claims(String issuer, String audience, String tenant, long expiresIn, List<String> roles) {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("user-1")
                .claim("tenant", tenant).claim("roles", roles)
                .issueTime(new Date(now - 1000)).expirationTime(new Date(now + expiresIn * 1000)).build();
    }

    private static String sign(JWTClaimsSet claims, RSAKey k) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(k.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(k));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
