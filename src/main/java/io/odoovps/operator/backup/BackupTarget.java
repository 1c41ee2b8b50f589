package io.odoovps.operator.backup;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * An S3-compatible bucket in another datacenter (contract article 3). Credentials come from the
 * environment of the backup Job (a Secret), never from a CR field, and are never printed.
 */
public record BackupTarget(
    URI endpoint, String bucket, String region, String accessKeyId, String secretAccessKey) {

  /**
   * Reads `ODOOVPS_BACKUP_ENDPOINT`, `_BUCKET`, `_REGION`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`.
   */
  public static BackupTarget fromEnvironment(Map<String, String> env) {
    return new BackupTarget(
        URI.create(required(env, "ODOOVPS_BACKUP_ENDPOINT")),
        required(env, "ODOOVPS_BACKUP_BUCKET"),
        env.getOrDefault("ODOOVPS_BACKUP_REGION", "us-east-1"),
        required(env, "ODOOVPS_BACKUP_ACCESS_KEY_ID"),
        required(env, "ODOOVPS_BACKUP_SECRET_ACCESS_KEY"));
  }

  private static String required(Map<String, String> env, String name) {
    var value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is required");
    }
    return value;
  }

  /**
   * A client for path-style, S3-compatible servers: no chunked encoding and checksums only when
   * required (some servers reject the SDK's newer defaults).
   */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .serviceConfiguration(
            S3Configuration.builder()
                .pathStyleAccessEnabled(true)
                .chunkedEncodingEnabled(false)
                .build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  @Override
  public String toString() {
    return "BackupTarget[" + endpoint + ", bucket " + bucket + ", region " + region + "]";
  }
}
