package io.ossserve.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}. */
@RestController
class ModelsController {
    private final ServedModels models;

    ModelsController(ServedModels models) {
        this.models = models;
    }

    record ModelCard(String id, String object, long created, @JsonProperty("owned_by") String ownedBy,
                     @JsonProperty("max_model_len") int maxModelLen, String root) {}

    record ModelList(String object, List<ModelCard> data) {}

    private ModelCard card() {
        return new ModelCard(models.id(), "model", models.created(), "oss-serve", models.maxContext(), models.id());
    }

    @GetMapping("/v1/models")
    ModelList list() {
        return new ModelList("list", List.of(card()));
    }

    @GetMapping("/v1/models/{id}")
    ModelCard get(@PathVariable String id) {
        models.check(id);
        return card();
    }
}
