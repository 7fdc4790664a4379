package org.callrec.storage.upload;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.storage.config.StorageConfig;

import io.smallrye.common.annotation.Identifier;

/**
 * Publishes completion events on the completed topic: the event's JSON ({@link CompletionEvent#toJson()}),
 * keyed by recording id.
 */
@ApplicationScoped
public class CompletionPublisher {

    @Inject
    StorageConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private KafkaProducer<String, String> producer;

    @PostConstruct
    void init() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "callrec-storage-completed");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int timeout = (int) config.kafka().requestTimeout().toMillis();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 1000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    @PreDestroy
    void close() {
        producer.close(config.kafka().requestTimeout());
    }

    /** Sends one event and waits until the broker has it. */
    public void publish(CompletionEvent event) throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(new ProducerRecord<>(config.kafka().completedTopic(), event.recordingId(), event.toJson()))
                .get(config.kafka().requestTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
    }
}
