/* SPDX-License-Identifier: MIT */
/* Links only libntex.so from C99: the header compiles as C and the exported entry points work.
 * Usage: ntex_shared_smoke [model.json] (generates 1 frame when a model is given and exists). */
#include <ntex/ntex.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, \
                    ntexGetLastErrorMessage());                                \
            return 1;                                                          \
        }                                                                      \
    } while (0)

int main(int argc, char** argv) {
    NtexContextCreateInfo info;
    NtexContext context = NULL;
    memset(&info, 0, sizeof info);
    CHECK(ntexCreateContext(NULL, &context) == NTEX_ERROR_INVALID_ARGUMENT);
    info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    info.headerVersion = NTEX_HEADER_VERSION;
    info.threadCount = 1;
    CHECK(ntexCreateContext(&info, &context) == NTEX_SUCCESS);
    /* AUTO: the CPU here, CUDA on a GPU machine. */
    CHECK(ntexGetContextBackend(context) == NTEX_BACKEND_CPU || ntexGetContextBackend(context) == NTEX_BACKEND_CUDA);

    NtexModelLoadInfo load;
    memset(&load, 0, sizeof load);
    load.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    load.pPath = "/nonexistent.json";
    NtexModel model = NULL;
    CHECK(ntexLoadModel(context, &load, &model) == NTEX_ERROR_FILE_NOT_FOUND);
    CHECK(strstr(ntexGetLastErrorMessage(), "/nonexistent.json") != NULL);

    if (argc > 1) {
        FILE* f = fopen(argv[1], "rb");
        if (f != NULL) {
            fclose(f);
            load.pPath = argv[1];
            CHECK(ntexLoadModel(context, &load, &model) == NTEX_SUCCESS);
            NtexModelInfo mi;
            memset(&mi, 0, sizeof mi);
            mi.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
            CHECK(ntexGetModelInfo(model, &mi) == NTEX_SUCCESS);
            NtexGeneratorCreateInfo gi;
            memset(&gi, 0, sizeof gi);
            gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
            gi.model = model;
            gi.width = gi.height = 4 * mi.cellSize;
            gi.tilingMode = NTEX_TILING_MODE_INFINITE;
            NtexGenerator gen = NULL;
            CHECK(ntexCreateGenerator(context, &gi, &gen) == NTEX_SUCCESS);
            CHECK(ntexGenerate(gen) == NTEX_SUCCESS);
            size_t pitch = (size_t)gi.width * 4;
            unsigned char* pixels = malloc(pitch * gi.height);
            NtexHostImage image;
            memset(&image, 0, sizeof image);
            image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
            image.format = NTEX_HOST_FORMAT_R8G8B8A8;
            image.pData = pixels;
            image.rowPitch = pitch;
            image.size = pitch * gi.height;
            CHECK(ntexReadMap(gen, 0, &image) == NTEX_SUCCESS);
            CHECK(pixels[3] == 255);
            /* Header v2: asynchronous generation and multi-map reads through the shared library. */
            uint64_t id = 0;
            CHECK(ntexGenerateAsync(gen) == NTEX_SUCCESS);
            CHECK(ntexWaitIdle(gen) == NTEX_SUCCESS);
            CHECK(ntexGetResultId(gen, &id) == NTEX_SUCCESS && id == 2);
            uint32_t map = 0;
            CHECK(ntexReadMaps(gen, 1, &map, &image, &id) == NTEX_SUCCESS && id == 2);
            free(pixels);
            ntexDestroyGenerator(gen);
            ntexDestroyModel(model);
            printf("generated %ux%u with %s\n", gi.width, gi.height, mi.name);
        }
    }
    ntexDestroyContext(context);
    printf("ok\n");
    return 0;
}
