package dev.visionapi.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The benchmark's S3: S3Proxy with an in-memory store on loopback, holding the 240 KB cat sample as
 * {@code s3://bench/cat-chelsea.png} and, given a count as its argument, as that many objects under
 * {@code s3://bench/job/} for a job; SigV4 checked with the benchmark's credentials ({@code bench}/{@code bench}).
 * Not a test; run by {@code bench/run.sh} and {@code bench/jobs.sh}. It prints its endpoint on the first line of
 * standard output and runs until killed.
 */
public final class BenchS3 {

    private BenchS3() {
    }

    public static void main(String[] args) throws Exception {
        BlobStore store = BlobStores.create("transient", new Properties());
        store.createContainer("bench");
        byte[] cat;
        try (InputStream in = BenchS3.class.getResourceAsStream("/samples/cat-chelsea.png")) {
            if (in == null) {
                throw new IOException("the cat sample is missing from the class path");
            }
            cat = in.readAllBytes();
        }
        put(store, "cat-chelsea.png", cat);
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        for (int i = 0; i < copies; i++) {
            put(store, "job/cat-%05d.png".formatted(i), cat);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench")
                .build();
        proxy.start();
        System.out.println("http://127.0.0.1:" + proxy.getPort());
        System.out.flush();
    }

    private static void put(BlobStore store, String key, byte[] content) {
        store.putBlob(PutObjectRequest.builder().bucket("bench").key(key).contentLength((long) content.length).build(),
                new ByteArrayInputStream(content));
    }
}
