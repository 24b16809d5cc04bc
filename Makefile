# SAM's makefile builder runs `make build-PresignerFunctionArm64` for the arm64 function
# (template.yaml) with ARTIFACTS_DIR set: a statically linked aarch64 bootstrap, built the way
# SAM's Rust builder builds (cargo-lambda, zig), for the musl target it cannot ask for.
build-PresignerFunctionArm64:
	cargo lambda build --release --bin presigner --target aarch64-unknown-linux-musl \
		--lambda-dir target/lambda-arm64
	cp target/lambda-arm64/presigner/bootstrap "$(ARTIFACTS_DIR)/bootstrap"

# The same for the upload pipeline's processor (ProcessorFunctionArm64, with ImagePipeline=on).
build-ProcessorFunctionArm64:
	cargo lambda build --release -p presigner-processor --bin presigner-processor \
		--target aarch64-unknown-linux-musl --lambda-dir target/lambda-arm64
	cp target/lambda-arm64/presigner-processor/bootstrap "$(ARTIFACTS_DIR)/bootstrap"

.PHONY: build-PresignerFunctionArm64 build-ProcessorFunctionArm64
