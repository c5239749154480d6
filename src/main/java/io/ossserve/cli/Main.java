package io.ossserve.cli;

public final class Main {
    public static void main(String[] args) {
        io.ossserve.OssServeApplication.main(args);
    }
}
